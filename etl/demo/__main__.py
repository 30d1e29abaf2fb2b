from etl.demo.cli import main

main()
