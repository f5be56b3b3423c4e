from gioia.cli import main

main()
